#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

from django.urls import re_path

from heat_store.dashboard.template_store import views

TEMPLATE = r'^(?P<template_id>[^/]+)/'
VERSION = TEMPLATE + r'versions/(?P<version>[^/]+)/'

urlpatterns = [
    re_path(r'^$', views.IndexView.as_view(), name='index'),
    re_path(r'^create/$', views.CreateView.as_view(), name='create'),
    re_path(TEMPLATE + r'$', views.DetailView.as_view(), name='detail'),
    re_path(TEMPLATE + r'update/$', views.UpdateView.as_view(),
            name='update'),
    re_path(TEMPLATE + r'publish/$', views.PublishView.as_view(),
            name='publish'),
    re_path(TEMPLATE + r'members/add/$', views.AddMemberView.as_view(),
            name='add_member'),
    re_path(VERSION + r'$', views.VersionView.as_view(), name='version'),
    re_path(VERSION + r'launch/$', views.LaunchView.as_view(),
            name='launch'),
]
